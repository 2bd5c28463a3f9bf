"""The read side's shared pieces: one helper per filter that more than one query applies, so a
filter means the same in every command (`funnel`, `report …`, `lead list`, `due-today`, `stale`)."""
