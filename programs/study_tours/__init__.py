"""Program 4: the minors-protection study base (未成年人保护研学基地)."""
