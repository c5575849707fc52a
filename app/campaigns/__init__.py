"""Campaigns: the plan's content areas, criteria, titles and commendation forms."""
