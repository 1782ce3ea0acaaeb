"""Terminal chat app."""
