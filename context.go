package modulario

import "context"

type langKey struct{}

// NewContextWithLang returns ctx carrying the reader's language ("it" or "en").
func NewContextWithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// LangFromContext returns the language carried by ctx, "it" by default.
func LangFromContext(ctx context.Context) string {
	if l, ok := ctx.Value(langKey{}).(string); ok && l != "" {
		return l
	}
	return "it"
}
