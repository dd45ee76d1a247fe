// QuiverParsers module.
