// QuiverStore module.
