"""Use cases shared by the command line and the GUI; no Qt here."""
