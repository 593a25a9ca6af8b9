"""Portal DTKS: an open portal over periodic Parquet snapshots of Indonesia's social-welfare register."""

__version__ = "0.1.0"
