// ImagebumpKit
