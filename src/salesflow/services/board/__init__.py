"""The board's services: what it shows (`view`), what its keys do (`actions`, the commands'
own services underneath) and how it knows the database changed (`live`)."""
