"""In-app notifications: written by other features' services, read on /notifications/."""
