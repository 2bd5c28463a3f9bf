"""Follow-ups: adding and finishing them, the morning list and agenda, stage playbooks,
cadences, and deals going cold."""
