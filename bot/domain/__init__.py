"""Pure Digikok rules. No botbuilder, aiohttp or redis import lives below this folder."""
