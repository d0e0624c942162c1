//! Browser tests: placeholder until the WebDriver client lands.
