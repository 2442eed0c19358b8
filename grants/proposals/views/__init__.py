"""The pages of a proposal: its draft, consortium, budget, and the fund office's screening."""
