"""Security plumbing shared by every area: client address, security log, session and
MFA enforcement, response headers, error-report scrubbing and deploy checks.

Other code only needs `security_event` (see `log.py`).
"""
