"""Output: Rich tables for people on a terminal, plain aligned text when piped, JSON and CSV for
scripts. Renderers take read models and never touch the database."""
