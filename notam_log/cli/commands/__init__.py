"""The commands of ``notam-log``, one module per command (added to the group in
``notam_log.cli``)."""
