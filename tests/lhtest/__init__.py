"""Helpers the tests share: drive real workflows through a LittleHorse cluster."""
