// The README's Gradle coordinates; DocsTest checks them against guard-bom and the parent pom.
// tag::gradle[]
dependencies {
    implementation(platform("dev.kubeguard:guard-bom:0.1.0-SNAPSHOT"))
    implementation("dev.kubeguard:guard-fabric8-interceptor")
    implementation("io.fabric8:kubernetes-client:7.9.0")
}
// end::gradle[]
