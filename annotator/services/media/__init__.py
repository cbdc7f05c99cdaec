"""Pictures: reading them safely, storing them with the project, fetching, showing."""
