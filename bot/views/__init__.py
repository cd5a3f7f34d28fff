"""Block Kit views: pure functions from read models to messages and modals."""
