"""The fund office's desk: the proposal lists, the office's proposal page, exports."""
