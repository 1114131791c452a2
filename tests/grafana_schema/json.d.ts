// Type helpers for checking JSON files against @grafana/schema's TypeScript types.
//
// Json<T>: @grafana/schema uses TypeScript *string enums* (ThresholdsMode, FieldColorModeId,
// MappingType, LegendDisplayMode, ...). A JSON file can only hold the enum's string value
// ("absolute"), which TypeScript does not accept where the enum type is expected. Json<T> replaces
// every string enum by the union of its values (`${E}`), keeps numeric enums (JSON numbers are
// assignable to them when they are a member's value), and recurses through arrays and objects,
// keeping optional/required modifiers, so excess-property checks still apply.
export type Json<T> =
  T extends string ? `${T}` :
  T extends number | boolean | null | undefined ? T :
  T extends ReadonlyArray<infer U> ? Array<Json<U>> :
  T extends object ? { [K in keyof T]: Json<T[K]> } :
  T;

// Loose<T>: every property optional at every depth. Used for panel `options` and
// `fieldConfig.defaults.custom`: Grafana fills in defaults for missing keys, so a missing key is
// not an error, but a wrong type, a wrong enum value or an unknown (misspelt) key still is.
export type Loose<T> =
  T extends ReadonlyArray<infer U> ? Array<Loose<U>> :
  T extends object ? { [K in keyof T]?: Loose<T[K]> } :
  T;
