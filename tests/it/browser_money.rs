//! Trust and money in a real browser (written next).
