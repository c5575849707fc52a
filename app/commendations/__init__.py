"""Commendations (khen thưởng): proposals, approval, decisions and their lists."""
