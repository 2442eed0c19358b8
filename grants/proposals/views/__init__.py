"""The pages of a proposal: its draft, consortium and budget."""
