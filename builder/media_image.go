package builder

import (
	"bytes"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"

	"golang.org/x/image/draw"
	"golang.org/x/image/webp"

	"github.com/modulario/modulario"
)

// Limits of uploaded images.
const (
	maxMediaBytes  = 5 << 20  // per file, as uploaded
	maxMediaWidth  = 1600     // wider images are scaled down
	maxMediaPixels = 50 << 20 // refuse decompression bombs before decoding
)

// processedImage is an upload decoded, scaled and re-encoded.
type processedImage struct {
	Data          []byte
	ContentType   string
	Width, Height int
}

// processImage checks that raw is a PNG, JPEG, GIF or WebP image by its
// content (never by name or header), decodes it, scales it to at most
// maxMediaWidth pixels wide and encodes it again. Re-encoding keeps only the
// pixels: EXIF (camera, GPS position), comments and colour profiles are
// dropped. JPEG stays JPEG; everything else becomes PNG. Errors are EINVALID
// or EUNSUPPORTED with the given Italian messages.
func processImage(raw []byte, msgs func(key string) string) (*processedImage, error) {
	kind := http.DetectContentType(raw)
	var decode func([]byte) (image.Image, error)
	switch kind {
	case "image/png":
		decode = func(b []byte) (image.Image, error) { return png.Decode(bytes.NewReader(b)) }
	case "image/jpeg":
		decode = func(b []byte) (image.Image, error) { return jpeg.Decode(bytes.NewReader(b)) }
	case "image/gif":
		decode = func(b []byte) (image.Image, error) { return gif.Decode(bytes.NewReader(b)) }
	case "image/webp":
		decode = func(b []byte) (image.Image, error) { return webp.Decode(bytes.NewReader(b)) }
	default:
		return nil, modulario.Errorf(modulario.EUNSUPPORTED, "%s", msgs("media.err.type"))
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return nil, modulario.Errorf(modulario.EINVALID, "%s", msgs("media.err.decode"))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > maxMediaPixels {
		return nil, modulario.Errorf(modulario.EINVALID, "%s", msgs("media.err.pixels"))
	}
	img, err := decode(raw)
	if err != nil {
		return nil, modulario.Errorf(modulario.EINVALID, "%s", msgs("media.err.decode"))
	}
	img = scaleDown(img, maxMediaWidth)
	var buf bytes.Buffer
	out := &processedImage{ContentType: "image/png", Width: img.Bounds().Dx(), Height: img.Bounds().Dy()}
	if kind == "image/jpeg" {
		out.ContentType = "image/jpeg"
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: 85})
	} else {
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	}
	if err != nil {
		return nil, err
	}
	out.Data = buf.Bytes()
	return out, nil
}

// scaleDown returns img scaled to maxWidth pixels wide (keeping its aspect
// ratio) when it is wider, and always as a fresh RGBA copy, so nothing of the
// original file but its pixels survives.
func scaleDown(img image.Image, maxWidth int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if w > maxWidth {
		h = max(1, h*maxWidth/w)
		w = maxWidth
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	if w == b.Dx() {
		draw.Draw(dst, dst.Bounds(), img, b.Min, draw.Src)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	}
	return dst
}
