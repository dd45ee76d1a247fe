// QuiverSnapshot module.
