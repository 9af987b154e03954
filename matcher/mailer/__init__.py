"""Mail: SMTP delivery, the loopback server for the demo, rendering and signed links."""
