from ninja import Router

router = Router(tags=["巡视轮次"])
