"""The annex's fixed texts: the seed's "Johtajasopimus" paragraph and "Tavoitekeskustelun
tarkoitus" list as the default, built from the agreement's stored genitive of the
position (the system never inflects a word itself). Swedish versions are ours."""

from django.utils.text import capfirst


def agreement_text(agreement, lang: str) -> str:
    g = agreement.position_genitive_sv if lang == "sv" and agreement.position_genitive_sv else None
    if g:
        return (
            f"Utgående från de verksamhets- och ekonomimål som fastställts i kommunens strategi och budget "
            f"fastställs {g} årliga mål för genomförandet av dem. Borgmästaren, de biträdande borgmästarna "
            f"och fullmäktiges ordförande för årligen mål- och utvecklingssamtal om {g} mål och utveckling. "
            f"Under de första 12 månaderna följs målens framskridande upp två gånger. I samtalen bedöms hur "
            f"föregående års mål har uppnåtts, de kommande målen ställs upp och behoven av utbildning och "
            f"utveckling gås igenom. Utgående från samtalet godkänner kommunstyrelsen {g} årliga mål. Målen "
            f"skrivs in i ett dokument som fogas till direktörsavtalet som bilaga och de är en del av avtalet "
            f"som uppdateras årligen."
        )
    g = agreement.position_genitive
    return (
        f"Kunnan strategian ja talousarvion toiminnan ja talouden tavoitteiden perusteella määritellään "
        f"niiden toimeenpanoon liittyvät {g} vuosittaiset tavoitteet. Pormestari, apulaispormestarit ja "
        f"valtuuston puheenjohtaja käyvät vuosittain {g} kanssa tavoite- ja kehityskeskustelut. "
        f"Ensimmäisen 12 kk aikana tavoitteiden edistymistä seurataan 2 kertaa. Keskusteluissa arvioidaan "
        f"edellisen vuoden tavoitteiden toteutumista, asetetaan tulevat tavoitteet ja käydään läpi koulutus- "
        f"ja kehittymistarpeet. Keskusteluun pohjautuen kunnanhallitus hyväksyy {g} vuositavoitteet. "
        f"Tavoitteet kirjataan johtajasopimuksen liitteeksi otettavaan asiakirjaan ja ne ovat vuosittain "
        f"päivitettävä osa sopimusta."
    )


def purpose_items(agreement, lang: str) -> list[str]:
    if lang == "sv" and agreement.position_genitive_sv:
        g = agreement.position_genitive_sv
        return [
            "Grundar sig på direktörsavtalet",
            "Ledning som stöder kommunens strategi och förtydligande av prioriteringarna",
            f"Att ställa upp och följa mål och bedömningskriterier för {g} ledningsarbete -> stöd för "
            f"förutsättningarna att lyckas i arbetet och bedömning av arbetsprestationen",
            f"Regelbunden bedömning av {g} arbete och av hur målen framskrider.",
            "Utveckling av samarbetet mellan den politiska och den operativa ledningen",
            f"Utveckling av {g} kompetens och säkerställande av arbetsvälbefinnandet",
        ]
    g = agreement.position_genitive
    return [
        "Perustuu johtajasopimukseen",
        "Kunnan strategiaa tukeva johtaminen sekä tekemisen painopisteiden kirkastaminen",
        f"{capfirst(g)} johtamistyön tavoitteiden ja niiden arviointikriteerien asettaminen ja seuraaminen "
        f"-> {g} työssä onnistumisen edellytysten tukeminen ja työsuorituksen arviointi",
        f"{capfirst(g)} työn ja tavoitteiden etenemisen säännöllinen arviointi.",
        "Poliittisen ja operatiivisen johdon yhteistyön kehittäminen",
        f"{capfirst(g)} osaamisen kehittäminen ja työhyvinvoinnin varmistaminen",
    ]
