"""The scoring engine: In_expB2 over posting lists read as arrays, the proximity bonus and feedback."""
