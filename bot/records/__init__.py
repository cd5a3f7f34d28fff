"""Where slices meet storage: rows as read models, deadlines for writes a person waits on."""
