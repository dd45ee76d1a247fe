// QuiverPostgres module.
