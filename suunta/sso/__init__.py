"""Single sign-on with each organization's OpenID Connect provider (issue 24).

OrganizationLogin (one per organization) is the source of truth; django-allauth's
openid_connect machinery (redirect, state, PKCE, token request) is given an app built from
it at runtime (adapter.SuuntaSocialAccountAdapter), with a stricter provider
(provider.py) that sends and checks a nonce and always verifies the ID token.
Accounts and roles stay Suunta's: see services.py and docs/access.md.
"""
