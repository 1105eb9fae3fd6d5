/**
 * The shipped CSVs as text, for the browser build: scripts/embed-csv.js writes
 * dist/esm/platform/classic-csv.js from data/ (digits gunzipped) when the package is built.
 */
export declare const IRIS_CSV: string;
export declare const WINE_CSV: string;
export declare const BREAST_CANCER_CSV: string;
export declare const DIGITS_CSV: string;
