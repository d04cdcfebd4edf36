"""Build a static website that tracks whether public bodies keep their commitments."""
