"""Append-only, hash-chained audit log. The API is in `suunta.audit.services`; the
chain format in `suunta.audit.chain`; the check in `manage.py verify_audit`."""
