package formedit

// HasSlug reports whether the document names its slug at all (a "slug"
// key of any value).
func (d *Doc) HasSlug() bool { return d.root.has("slug") }

// SetSlug gives a document without a slug the address it is stored under,
// as its first key, where a reader of the file looks for it. A definition
// sent to PUT /api/v1/forms/{slug}/draft may leave the slug to the URL.
func (d *Doc) SetSlug(slug string) {
	if !d.root.has("slug") {
		d.root.keys = append([]string{"slug"}, d.root.keys...)
	}
	d.root.vals["slug"] = slug
}
