//! Click SHOP API callbacks (written next).
