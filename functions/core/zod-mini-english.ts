import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

/**
 * English messages for zod's tree-shakable build (`zod/mini`), which every schema under
 * `functions/` uses: a bundle carries the checks its schemas use, not the whole library (about 40
 * KB of zod in a job function instead of 100). The full build sets English when it makes its
 * first schema; the mini one leaves the language to its caller, so a module with mini schemas
 * imports this one for its side effect: the problems a user reads are word for word the full
 * build's. (Re-exporting the mini namespace from here instead would bundle all of it, every
 * locale included.)
 */
config(en());
