"""The partner's side: their requests, their threads relayed to technicians, their answers."""
