//! Makes the renditions of uploaded images, off the request path.
//!
//! For each `image.uploaded` event: reads the upload from the object store,
//! decodes it (with limits, so a decompression bomb is refused), writes a
//! clean original — re-encoded from the pixels, so EXIF, GPS and other
//! metadata are gone — and WebP renditions at each width of
//! `RENDITION_WIDTHS` (never enlarged), then marks the image ready. A file
//! that cannot be decoded marks it failed with a reason. Idempotent: an image
//! that is no longer pending is skipped.

use entities::catalog::images::{finish_processing, upload_key};
use entities::catalog::{ImageStatus, RENDITION_WIDTHS};
use entities::events::DomainEvent;
use entities::model::product_image;
use entities::ports::EventStream;
use entities::Shop;
use futures::StreamExt;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use object_store::path::Path as ObjectPath;
use object_store::PutPayload;
use sea_orm::EntityTrait;
use std::io::Cursor;

/// Largest picture decoded, in pixels per side and bytes of memory.
const MAX_SIDE: u32 = 12_000;
const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// A processed upload: files to store and the original's size.
pub struct Processed {
    /// `(file name, bytes)`: `original.jpg` or `original.png`, and `w<width>.webp`.
    pub files: Vec<(String, Vec<u8>)>,
    /// Width and height of the original.
    pub size: (u32, u32),
}

/// Decodes `bytes` and makes the clean original and the renditions.
///
/// # Errors
/// A reason a shop owner understands, when the file is not a usable image.
pub fn process(bytes: &[u8]) -> Result<Processed, String> {
    let mut reader = ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|e| e.to_string())?;
    let format = reader.format().ok_or("the file is not an image format we can read")?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    reader.limits(limits);
    let picture = reader.decode().map_err(|e| format!("the image could not be read: {e}"))?;
    let (width, height) = (picture.width(), picture.height());
    let mut files = Vec::with_capacity(RENDITION_WIDTHS.len() + 1);
    // The original, re-encoded from its pixels: nothing but the picture survives.
    let (name, out_format, clean) = match format {
        ImageFormat::Jpeg => ("original.jpg", ImageFormat::Jpeg, DynamicImage::ImageRgb8(picture.to_rgb8())),
        _ => ("original.png", ImageFormat::Png, picture.clone()),
    };
    files.push((name.to_owned(), encode(&clean, out_format)?));
    for target in RENDITION_WIDTHS {
        let rendition = if width > target {
            picture.resize(target, u32::MAX, image::imageops::FilterType::Lanczos3)
        } else {
            picture.clone()
        };
        // The WebP encoder takes 8-bit RGB(A).
        let rendition = if rendition.color().has_alpha() {
            DynamicImage::ImageRgba8(rendition.to_rgba8())
        } else {
            DynamicImage::ImageRgb8(rendition.to_rgb8())
        };
        files.push((format!("w{target}.webp"), encode(&rendition, ImageFormat::WebP)?));
    }
    Ok(Processed { files, size: (width, height) })
}

fn encode(picture: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, String> {
    let mut out = Cursor::new(Vec::new());
    picture.write_to(&mut out, format).map_err(|e| format!("the image could not be converted: {e}"))?;
    Ok(out.into_inner())
}

/// Processes `image.uploaded` events.
pub async fn follow_events(mut events: EventStream, shop: Shop) {
    while let Some(envelope) = events.next().await {
        let DomainEvent::ImageUploaded(uploaded) = envelope.event else { continue };
        let image_id = uploaded.image_id.get();
        if let Err(e) = handle(&shop, image_id).await {
            tracing::error!(error = %e, image_id, "image processing failed; the upload stays pending");
        }
    }
}

async fn handle(shop: &Shop, image_id: i64) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let Some(image) = product_image::Entity::find_by_id(image_id).one(&shop.db).await? else {
        return Ok(());
    };
    if image.status != ImageStatus::Pending {
        return Ok(()); // Done already: a second delivery.
    }
    let upload = shop.objects.get(&upload_key(&image.object_key)).await?.bytes().await?;
    let outcome = tokio::task::spawn_blocking(move || process(&upload)).await?;
    let outcome = match outcome {
        Ok(processed) => {
            for (name, bytes) in processed.files {
                let key = ObjectPath::from(format!("{}/{name}", image.object_key));
                shop.objects.put(&key, PutPayload::from(bytes)).await?;
            }
            Ok(processed.size)
        }
        Err(reason) => Err(reason),
    };
    finish_processing(shop, entities::ImageId::new(image_id), outcome).await?;
    // The upload as it came (with its metadata) is not kept.
    if let Err(e) = shop.objects.delete(&upload_key(&image.object_key)).await {
        tracing::warn!(error = %e, image_id, "could not delete a processed upload");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let picture =
            image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageRgb8(picture).write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn renditions_are_webp_at_each_width_and_never_enlarged() {
        let processed = process(&png(900, 450)).unwrap();
        assert_eq!(processed.size, (900, 450));
        let names: Vec<&str> = processed.files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["original.png", "w200.webp", "w600.webp", "w1600.webp"]);
        let widths: Vec<u32> = processed.files[1..]
            .iter()
            .map(|(_, bytes)| image::load_from_memory_with_format(bytes, ImageFormat::WebP).unwrap().width())
            .collect();
        assert_eq!(widths, [200, 600, 900], "the 1600 rendition of a 900-wide picture stays 900 wide");
    }

    #[test]
    fn a_file_that_is_not_a_picture_fails_with_a_reason() {
        let mut fake = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        fake.extend_from_slice(b"not really a png");
        let reason = process(&fake).err().expect("refused");
        assert!(reason.contains("could not be read"), "{reason}");
    }
}
