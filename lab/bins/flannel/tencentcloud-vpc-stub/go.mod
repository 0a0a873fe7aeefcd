// A stand-in for Tencent Cloud's VPC API client, only so that flanneld builds here: its
// tencentvpc backend imports this module, which the Go module proxy does not serve, and no
// machine here reaches Tencent's API anyway. The lab runs flannel's vxlan backend, which never
// calls it; every call returns an error saying so.
module github.com/tencentcloud/tencentcloud-sdk-go/tencentcloud/vpc

go 1.26.0
