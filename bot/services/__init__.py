"""Domain services: each public function is one change in one transaction."""
