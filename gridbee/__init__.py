"""GridBee (蜂格): new-employment workers as part-time grid workers."""
