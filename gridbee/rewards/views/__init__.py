"""Rewards pages, one module per kind of reward: points (the card, rankings, corrections),
shop (the points shop and its pick-ups) and cash (cash rewards and their payouts). urls.py
names each view."""
