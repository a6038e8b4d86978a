"""The retention rules in the documents' record metadata, and the JHS 191 metadata."""

from xml.etree import ElementTree as ET

from suunta.infomgmt import jhs191
from suunta.infomgmt.models import RetentionRule
from suunta.infomgmt.transfer import export_organization

from ..documents.common import build_content

NS = {"s": jhs191.NAMESPACE}


def test_the_annex_and_the_follow_up_report_print_their_retention(demo):
    version = demo.plan.latest_version()
    annex = build_content(version, "annex", "en")
    assert "Retention: permanent, task class 00.01.02" in annex["footer"]
    report = build_content(version, "followup-report", "en", 1)
    assert "Retention: 10 years from the end of the agreement, task class 01.00.01" in report["footer"]


def test_the_agenda_prints_the_organizations_own_rule(demo):
    RetentionRule.objects.create(
        organization=demo.org,
        record_type="followups",
        trigger="agreement_end",
        years=12,
        task_class="01.02.03",
    )
    agenda = build_content(demo.plan.latest_version(), "agenda", "en", 1)
    rows = {row["goal"]: row["followups"][0] for row in agenda["table"]["rows"]}
    assert rows["Retention of the follow-up"] == "12 years from the end of the agreement, task class 01.02.03"
    approval = build_content(demo.plan.latest_version(), "agenda", "en")
    rows = {row["goal"]: row["followups"][0] for row in approval["table"]["rows"]}
    assert rows["Retention of the annex"] == "permanent, task class 00.01.02"


def test_the_jhs_191_metadata_of_an_approved_annex(demo):
    version = demo.plan.latest_version()
    approval = version.handlings.get(outcome="approved")
    metadata = jhs191.annex_metadata(version, file_name="annex.pdf", sha256="ab" * 32)
    assert metadata.title == "Kansliapäällikön tavoitteet 2025"
    assert metadata.date == approval.meeting_date
    assert metadata.retention_period == "-1"  # permanent
    assert metadata.publicity_class == "Julkinen"
    assert metadata.task_class == "00.01.02"
    root = ET.fromstring(jhs191.to_xml(metadata))
    assert root.tag == f"{{{jhs191.NAMESPACE}}}Record"
    for path, value in (
        ("s:Title", metadata.title),
        ("s:Created", approval.meeting_date.isoformat()),
        ("s:CaseNativeId", metadata.case_number),
        ("s:Function", "00.01.02"),
        ("s:RetentionPeriod", "-1"),
        ("s:Restriction/s:PublicityClass", "Julkinen"),
        ("s:Restriction/s:PersonalData", "sisältää henkilötietoja"),
        ("s:Agent/s:Name", metadata.author),
        ("s:Document/s:File/s:HashValue", "ab" * 32),
    ):
        assert root.findtext(path, namespaces=NS) == value, path
    assert metadata.author
    assert jhs191.to_xml(metadata) == jhs191.to_xml(metadata)


def test_follow_up_reports_enter_the_archive_package_when_the_organization_keeps_them_permanently(
    demo, tmp_path
):
    RetentionRule.objects.create(
        organization=demo.org, record_type="followups", trigger="permanent", years=None, task_class="01.00.02"
    )
    export_organization(demo.org, tmp_path / "out")
    packages = sorted((tmp_path / "out" / "sip").glob("*-followup-*/metadata.xml"))
    assert packages
    root = ET.fromstring(packages[0].read_bytes())
    assert root.findtext("s:Type", namespaces=NS) == "Seurantaraportti"
    assert root.findtext("s:RetentionPeriod", namespaces=NS) == "-1"
    assert root.findtext("s:Function", namespaces=NS) == "01.00.02"
