"""Tests of the inline inference providers."""
