"""Authentication, access control and quotas for the API: who is calling, and what they may touch."""
