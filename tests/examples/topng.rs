fn main() {
    let a: Vec<String> = std::env::args().collect();
    image::open(&a[1]).unwrap().save(&a[2]).unwrap();
}
