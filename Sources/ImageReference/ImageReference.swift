// ImageReference
