"""pengaduan: public complaints from social media, handled by SOP 276/SOP/KBKIE/2024."""

__version__ = "0.1.0"
