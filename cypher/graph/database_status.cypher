// Run against the system database: whether the configured database is online, and why not.
SHOW DATABASE $database YIELD currentStatus, statusMessage
RETURN currentStatus AS status, statusMessage AS message
